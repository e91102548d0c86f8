-- One wrk script for every benchmarked path, configured through environment variables:
--   BENCH_METHOD   GET, POST or DELETE
--   BENCH_PATH     path template; "{id}" becomes an id (random in [BENCH_ID_MIN, BENCH_ID_MAX],
--                  or consecutive per request when BENCH_SEQUENTIAL=1, e.g. for deletes)
--   BENCH_BODY     JSON body template for POST; "{n}" becomes the request's number
--   BENCH_THREADS  wrk's -t, so sequential ids do not collide between threads
--   BENCH_TOKEN    a bearer token to send (authentication on), or empty
-- done() prints one JSON line with the totals the harness parses.

local thread_counter = 0

function setup(thread)
  thread:set("thread_index", thread_counter)
  thread_counter = thread_counter + 1
end

function init(args)
  method = os.getenv("BENCH_METHOD") or "GET"
  path_template = os.getenv("BENCH_PATH") or "/"
  body_template = os.getenv("BENCH_BODY") or ""
  id_min = tonumber(os.getenv("BENCH_ID_MIN") or "1")
  id_max = tonumber(os.getenv("BENCH_ID_MAX") or "1")
  sequential = os.getenv("BENCH_SEQUENTIAL") == "1"
  threads = tonumber(os.getenv("BENCH_THREADS") or "1")
  headers = { ["Content-Type"] = "application/json" }
  local token = os.getenv("BENCH_TOKEN") or ""
  if token ~= "" then
    headers["Authorization"] = "Bearer " .. token
  end
  sent = 0
  math.randomseed(os.time() + (thread_index or 0) * 7919)
end

function request()
  sent = sent + 1
  local id
  if sequential then
    id = id_min + (sent - 1) * threads + (thread_index or 0)
  else
    id = math.random(id_min, id_max)
  end
  local path = (path_template:gsub("{id}", tostring(id)))
  local body = nil
  if body_template ~= "" then
    body = (body_template:gsub("{n}", tostring(sent)))
  end
  return wrk.format(method, path, headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
