-- wrk script of bench/harness.py: POST PATH, a new offer of LINES lines per request, to the
-- parties of PARTIES_FILE (one id a line) in turn. The bodies are built once, in init.
--
--     wrk -s bench/wrk_offer.lua URL -- PATH LINES PARTIES_FILE
--
-- Headers given with -H (the CRM's bearer token) are sent with every request.
local threads = 0
local path
local bodies = {}
local i = 0

function setup(thread)
  thread:set("number", threads)
  threads = threads + 1
end

function init(args)
  path = args[1]
  local count = tonumber(args[2])
  local lines = {}
  for n = 1, count do
    lines[n] = string.format(
      '{"description":"Item %d","quantity":"%d","unit_price":"%d.99","tax_rate":"19"}', n, n % 7 + 1, n % 90 + 10)
  end
  local joined = table.concat(lines, ",")
  for party in io.lines(args[3]) do
    if party ~= "" then
      bodies[#bodies + 1] = '{"party_id":"' .. party .. '","lines":[' .. joined .. ']}'
    end
  end
  assert(#bodies > 0, "no parties in " .. args[3])
  i = ((number or 0) * 7) % #bodies
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  i = i % #bodies + 1
  return wrk.format("POST", path, nil, bodies[i])
end
