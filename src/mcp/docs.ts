// Text an agent reads: the filter language (also a resource).

import { OPERATORS } from "../model/filter/grammar";
import { LIMITS } from "../services/limits";

export const FILTER_DOC = `Filters are JSON objects. Each key is a field name (or id, createdAt, updatedAt) and
its value is either a plain value (equality) or an object of operators. Several keys
must all hold. Combine with "and": [filters], "or": [filters], "not": filter.
Operators: ${OPERATORS.join(", ")}.
  {"status": "open"}                                  status equals "open"
  {"priority": {"gte": 3}}                            priority at least 3
  {"title": {"contains": "report"}}                   substring; case of A-Z ignored
  {"due": {"between": ["2026-01-01", "2026-03-31"]}}  inclusive range
  {"status": {"in": ["open", "doing"]}}               one of
  {"owner": null} or {"owner": {"isNull": true}}      no value
  {"or": [{"status": "open"}, {"priority": 5}]}       either
Sorting: [{"field": "due", "dir": "asc"}, {"field": "priority", "dir": "desc"}].
Pages: pass "limit" (${LIMITS.pageSize.min}..${LIMITS.pageSize.max}, default ${LIMITS.pageSize.default}); the answer has pagination.nextCursor; pass it
as "cursor" for the next page (same sort). "total": true also counts every match.`;
