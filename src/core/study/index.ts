/** Studies: study files, the crash-safe journal and its lock, and the study loop. */
export * from './types';
export { parseStudyFile, loadStudyFile, parseDuration, StudyFileError, STUDY_FILE_KEYS, STUDY_FILE_METHODS, PRUNER_TYPES, DISTRIBUTIONS, ARG_STYLES, COMMAND_MACROS, MAX_STUDY_FILE_BYTES } from './studyFile';
export type { ParsedStudyFile, StudyFileOptions } from './studyFile';
export {
  StudyJournal,
  readJournal,
  parseJournal,
  studyDirectory,
  studyWorkspace,
  findStaleTrials,
  toFrozenTrial,
  JournalCorruptError,
  StudyExistsError,
  FencedError,
  JOURNAL_FILE,
} from './journal';
export type { JournalRecord, JournalTrial, ReplayedStudy, ParsedJournal, StudyCreatedRecord } from './journal';
export { JournalFollower } from './follower';
export type { FollowChange } from './follower';
export { StudyLockedError, isPidAlive, DEFAULT_LOCK_GRACE_MS } from './lock';
export type { LockInfo } from './lock';
export { runStudy, openStudyRun, seedFromName, systemClock } from './runStudy';
export { summarize, plannedTrials, DEFAULT_TRIALS, isBetter, reachesTarget, isDone, countsAgainstBudget, bestTrial, bestValue, tallyTrials, formatValue, formatParams } from './summary';
export type { BestTrial, TrialCounts, TrialOutcomeLike } from './summary';
export type { RunStudyOptions, StudyClock } from './runStudy';
export { createExecutor } from './executor';
