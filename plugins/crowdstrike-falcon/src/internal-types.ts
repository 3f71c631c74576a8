// Vendor DTOs: the shapes the Falcon API sends. Never exported from the package.

export interface FalconEnvelope<T> {
  meta?: { pagination?: { offset?: string; expires_at?: number; total?: number }; trace_id?: string };
  resources?: T[] | null;
  errors?: Array<{ code?: number; message?: string }> | null;
}

export interface FalconToken {
  access_token: string;
  token_type?: string;
  expires_in: number;
}

export type ContainmentStatus = 'normal' | 'containment_pending' | 'contained' | 'lift_containment_pending';

export interface FalconHost {
  device_id: string;
  cid?: string;
  hostname?: string;
  local_ip?: string;
  external_ip?: string;
  mac_address?: string;
  platform_name?: string;
  os_version?: string;
  os_build?: string;
  kernel_version?: string;
  agent_version?: string;
  first_seen?: string;
  last_seen?: string;
  status?: ContainmentStatus | string;
  product_type_desc?: string;
  system_manufacturer?: string;
  system_product_name?: string;
  serial_number?: string;
  service_provider?: string;
  instance_id?: string;
  tags?: string[];
  groups?: string[];
}
