// Custom search attributes, so the Temporal UI can list a clone's workflows by clone ID and
// status ("CloneStatus = 'FAILED'"). Workers register them at start-up (namespace.ts); where
// workers lack that permission an operator runs
// `temporal operator search-attribute create --name CloneId --type Keyword` (and CloneStatus).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CLONE_ID = defineSearchAttributeKey('CloneId', SearchAttributeType.KEYWORD);
export const CLONE_STATUS = defineSearchAttributeKey('CloneStatus', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [CLONE_ID, CLONE_STATUS];
