export { startFalconSimulator, MAX_HOSTS } from './start-simulator';
export type {
  ContainmentStatus,
  FalconDevice,
  FalconFaults,
  FalconSimulatorHandle,
  FalconSimulatorOptions,
  FaultScope,
  RequestLogEntry,
  RouteName,
  SimulatorClient,
} from './types';
