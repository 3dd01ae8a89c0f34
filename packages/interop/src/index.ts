/**
 * Import and export of SPA-RL trajectories for Python trainers: the SPA-RL reference code's
 * step-PPO JSON, TRL stepwise supervision, verl parquet rows with token-level reward placement,
 * and OpenRLHF JSONL.
 *
 * @packageDocumentation
 */
export {
  type ChatTemplate,
  type ExportOptions,
  type ImportOptions,
  LLAMA3_TEMPLATE,
  type RewardSource,
  SIDECAR_FORMAT,
  type Sidecar,
} from './common';
export {
  type ConvertOptions,
  convertTrajectories,
  INTEROP_FORMATS,
  type InteropFormat,
  readInteropFile,
  readOpenRlhfFile,
  readSpaReferenceFile,
  readTrlFile,
  readVerlFile,
  writeInteropFile,
  writeOpenRlhfFile,
  writeSpaReferenceFile,
  writeTrlFile,
  writeVerlFile,
} from './files';
export {
  type ChatMessage,
  exportOpenRlhf,
  importOpenRlhf,
  type OpenRlhfExportOptions,
  type OpenRlhfRecord,
} from './formats/openrlhf';
export {
  exportSpaReference,
  fromSpaReferenceFile,
  importSpaReference,
  type SpaReferenceExportOptions,
  type SpaReferenceFile,
  type SpaReferenceImportOptions,
  type SpaReferenceRecord,
  toSpaReferenceFile,
} from './formats/spa-reference';
export {
  exportTrl,
  importTrl,
  type TrlExportOptions,
  type TrlImportOptions,
  type TrlStepwiseRecord,
} from './formats/trl';
export {
  exportVerl,
  fromVerlParquet,
  importVerl,
  toVerlParquet,
  type VerlExportOptions,
  type VerlExtraInfo,
  type VerlRecord,
} from './formats/verl';
