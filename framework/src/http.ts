// The HTTP client helpers live in ./http/ (policy, status mapping, client per config).
export * from './http/index';
