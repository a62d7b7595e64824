/** Studies: study files, the crash-safe journal and its lock, and the study loop. */
export * from './types';
export { parseStudyFile, loadStudyFile, parseDuration, StudyFileError, STUDY_FILE_KEYS, STUDY_FILE_METHODS, PRUNER_TYPES, DISTRIBUTIONS, ARG_STYLES, COMMAND_MACROS, MAX_STUDY_FILE_BYTES } from './studyFile';
export type { ParsedStudyFile, StudyFileOptions } from './studyFile';
export {
  StudyJournal,
  readJournal,
  parseJournal,
  studyDirectory,
  findStaleTrials,
  toFrozenTrial,
  JournalCorruptError,
  StudyExistsError,
  JOURNAL_FILE,
} from './journal';
export type { JournalRecord, JournalTrial, ReplayedStudy, ParsedJournal, StudyCreatedRecord } from './journal';
export { StudyLock, StudyLockedError, isPidAlive, DEFAULT_LOCK_GRACE_MS } from './lock';
export type { LockInfo, LockOptions } from './lock';
export { runStudy, seedFromName, systemClock } from './runStudy';
export { summarize, plannedTrials, DEFAULT_TRIALS, isBetter, reachesTarget, isDone, countsAgainstBudget, bestTrial, bestValue, tallyTrials, formatValue, formatParams } from './summary';
export type { BestTrial, TrialCounts, TrialOutcomeLike } from './summary';
export type { RunStudyOptions, StudyClock } from './runStudy';
export { createExecutor } from './executor';
