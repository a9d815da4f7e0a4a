import type { APIGatewayProxyResult } from 'aws-lambda';

/** An API Gateway proxy result with a JSON body (only the fields `sam local` accepts). */
export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}
