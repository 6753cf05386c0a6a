-- wrk script of bench/harness.py: a mixed load, the operations of MIX_FILE in turn, one a line:
-- `GET <path>` (a read: a party, a party's activities, a list page, ...) or `POST` (a new party
-- to CREATE_PATH, the body of wrk_create.lua). Each thread starts at its own offset.
--
--     wrk -s bench/wrk_mixed.lua URL -- MIX_FILE CREATE_PATH NAME_PREFIX
--
-- Headers given with -H (the CRM's bearer token) are sent with every request.
local threads = 0
local ops = {}
local create_path, prefix
local i = 0
local n = 0

function setup(thread)
  thread:set("number", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(args[1]) do
    if line == "POST" then
      ops[#ops + 1] = false
    elseif line:sub(1, 4) == "GET " then
      ops[#ops + 1] = line:sub(5)
    end
  end
  assert(#ops > 0, "no operations in " .. args[1])
  create_path = args[2]
  prefix = args[3] .. " t" .. tostring(number or 0)
  i = ((number or 0) * 7919) % #ops
  -- On every request (wrk.format with headers of its own would drop the token of -H).
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  i = i % #ops + 1
  local op = ops[i]
  if op then
    return wrk.format("GET", op)
  end
  n = n + 1
  local body = string.format(
    '{"kind":"organization","name":"%s-%d Handels GmbH","roles":["customer","prospect"],' ..
    '"email":"buyer%d@wrk.example","phone":"+49 30 %07d","website":"https://wrk%d.example",' ..
    '"currency":"EUR","payment_terms_days":14,"customer_group":"wholesale",' ..
    '"addresses":[{"kind":"billing","line1":"Hauptstr. %d","city":"Berlin","postal_code":"10115","country":"DE"}],' ..
    '"tags":["wrk","bench"]}',
    prefix, n, n, n, n, n % 500 + 1)
  return wrk.format("POST", create_path, nil, body)
end
