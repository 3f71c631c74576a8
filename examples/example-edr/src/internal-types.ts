// Vendor DTOs: the shapes the EDR API sends. Never exported from the package.

export interface EdrHost {
  id: string;
  hostname?: string;
  ip?: string[];
  mac?: string[];
  os?: { name?: string; version?: string };
  agentVersion?: string;
  isolation?: 'none' | 'isolated';
  lastSeen?: string;
  tags?: string[];
}

export interface EdrHostsPage {
  data: EdrHost[];
  meta: { next_cursor: string | null };
}

export interface EdrErrorBody {
  message?: string;
}
