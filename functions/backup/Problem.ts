/** Why something was not done although the backup was written: a stable code and a message for the operator. */
export interface Problem {
  code: string;
  message: string;
}
