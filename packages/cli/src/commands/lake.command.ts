// search, assets: registered once the lake package is wired (see lake.command registration).
export {};
