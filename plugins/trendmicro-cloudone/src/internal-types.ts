// Vendor DTOs of the Computers API (SDK 50.0.810 models). Never exported from the package: the
// public surface is the normalized record. Every field is optional because null fields are omitted.

export interface ComputerStatusDto {
  agentStatus?: string;
  agentStatusMessages?: string[];
  applianceStatus?: string;
  applianceStatusMessages?: string[];
}

export interface InterfaceDto {
  ID?: number;
  name?: string;
  displayName?: string;
  detected?: boolean;
  MAC?: string;
  DHCP?: boolean;
  IPs?: string[];
  interfaceTypeID?: number;
}

export interface NameValueDto {
  name?: string;
  value?: string;
}

export interface Ec2SummaryDto {
  cloudProvider?: string;
  accountID?: string;
  operatingSystem?: string;
  privateIPAddress?: string;
  publicIPAddress?: string;
  availabilityZone?: string;
  instanceID?: string;
  type?: string;
  metadata?: NameValueDto[];
  DNSName?: string;
  [key: string]: unknown;
}

export interface AzureSummaryDto {
  cloudProvider?: string;
  subscriptionID?: string;
  operatingSystem?: string;
  privateIPAddress?: string;
  publicIPAddress?: string;
  publicVirtualIPAddress?: string;
  location?: string;
  instanceID?: string;
  type?: string;
  DNSName?: string;
  [key: string]: unknown;
}

export interface GcpSummaryDto {
  cloudProvider?: string;
  operatingSystem?: string;
  instanceID?: string;
  privateIPAddress?: string;
  publicIPAddress?: string;
  zone?: string;
  [key: string]: unknown;
}

export interface NoConnectorSummaryDto {
  accountID?: string;
  instanceID?: string;
  region?: string;
  [key: string]: unknown;
}

export interface VmwareSummaryDto {
  operatingSystem?: string;
  biosUUID?: string;
  IPAddress?: string;
  DNSName?: string;
  [key: string]: unknown;
}

export interface WorkspaceSummaryDto {
  cloudProvider?: string;
  accountID?: string;
  workspaceID?: string;
  IPAddress?: string;
  [key: string]: unknown;
}

/** A computer as the API returns it. */
export interface ComputerDto {
  ID: number;
  hostName?: string;
  displayName?: string;
  description?: string;
  lastIPUsed?: string;
  platform?: string;
  groupID?: number;
  policyID?: number;
  assetImportanceID?: number;
  relayListID?: number;
  agentFingerPrint?: string;
  applianceFingerPrint?: string;
  lastAgentCommunication?: number;
  lastApplianceCommunication?: number;
  lastSendPolicyRequest?: number;
  lastSendPolicySuccess?: number;
  agentVersion?: string;
  hostGUID?: string;
  biosUUID?: string;
  computerStatus?: ComputerStatusDto;
  interfaces?: { interfaces?: InterfaceDto[] };
  ec2VirtualMachineSummary?: Ec2SummaryDto;
  azureARMVirtualMachineSummary?: AzureSummaryDto;
  azureVMVirtualMachineSummary?: AzureSummaryDto;
  gcpVirtualMachineSummary?: GcpSummaryDto;
  noConnectorVirtualMachineSummary?: NoConnectorSummaryDto;
  vmwareVMVirtualMachineSummary?: VmwareSummaryDto;
  workspaceVirtualMachineSummary?: WorkspaceSummaryDto;
  [key: string]: unknown;
}
