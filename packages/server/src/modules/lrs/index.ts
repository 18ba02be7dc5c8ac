export { insertStatements, listStatements, statementsInsert, type StatementQuery } from './lrs.repository.ts';
export {
  ACTIVITY_TYPES,
  activityId,
  buildStatement,
  INTERACTION_TYPES,
  isoDuration,
  responseString,
  scoreOf,
  serializeStatement,
  serializeStatements,
  type SerializedStatement,
  VERBS,
  XAPI_ACCOUNT_HOME,
  XAPI_VERSION,
  type StatementInput,
  type VerbName,
  type XapiStatement,
} from './xapi.ts';
