-- wrk script of the workbench's load benchmark (bench/serve_load.py runs it): each request is a
-- GET of one endpoint, its path made from a template with {id} (the next enterprise id of a
-- list) and {offset} (the next page of a list, 50 rows each), signed in with the next session
-- of a list (the cookie eco_session). Non-2xx answers are counted per thread; done() prints one
-- JSON line with the latency percentiles (microseconds) and the errors.
-- THINK_MS (0: none): each connection waits a random 0.5-1.5 x THINK_MS before its next
-- request, as a person reading the page would (wrk's delay()); 0 is a closed loop, each
-- connection asking again as soon as it has its answer.
-- CLOSE (1, the default): every request asks for its connection to be closed after the answer,
-- as nginx in front of the server does (proxy_pass without an upstream keepalive: one
-- connection per request); 0 keeps connections alive, as a browser talking to the server
-- directly does (the server gives a kept-alive connection its thread until it is idle for
-- limits.keep_alive_seconds: docs/server.md).
-- Usage: wrk ... -s bench/serve_load.lua URL -- IDS_FILE SESSIONS_FILE TEMPLATE [PAGES [THINK_MS [CLOSE]]]

local threads = {}
local thread_no = 0

function setup(thread)
  thread_no = thread_no + 1
  thread:set("thread_no", thread_no)
  table.insert(threads, thread)
end

local ids, sessions, template, pages, think, close = {}, {}, "", 100, 0, true
local n = 0
non2xx = 0
statuses = ""

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then table.insert(ids, line) end
  end
  for line in io.lines(args[2]) do
    if line ~= "" then table.insert(sessions, line) end
  end
  template = args[3]
  pages = tonumber(args[4] or "100")
  think = tonumber(args[5] or "0")
  close = (args[6] or "1") ~= "0"
  math.randomseed(thread_no or 1)
  -- Threads start at different places of the lists.
  n = (thread_no or 1) * 7919
end

function request()
  n = n + 1
  local id = ids[(n % #ids) + 1]
  local session = sessions[(n % #sessions) + 1]
  local offset = tostring((n % pages) * 50)
  local path = template:gsub("{id}", id):gsub("{offset}", offset)
  local headers = {["Cookie"] = "eco_session=" .. session, ["Accept"] = "text/html,application/json"}
  if close then headers["Connection"] = "close" end
  return wrk.format("GET", path, headers)
end

function delay()
  if think <= 0 then return 0 end
  return math.floor(think * (0.5 + math.random()))
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if #statuses < 200 then statuses = statuses .. tostring(status) .. " " end
  end
end

function done(summary, latency, requests)
  local bad, seen = 0, ""
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
    seen = seen .. (t:get("statuses") or "")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "mean_us": %.1f, "non2xx": %d, "statuses": "%s", "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean, bad, seen, e.connect, e.read, e.write, e.timeout))
end
