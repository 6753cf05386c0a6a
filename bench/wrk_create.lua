-- wrk script of bench/harness.py: POST PATH, a new party per request (a unique name, one address,
-- roles, tags, an email): the same body for the CRM and the floor.
--
--     wrk -s bench/wrk_create.lua URL -- PATH NAME_PREFIX
--
-- Headers given with -H (the CRM's bearer token) are sent with every request.
local threads = 0
local path, prefix
local n = 0

function setup(thread)
  thread:set("number", threads)
  threads = threads + 1
end

function init(args)
  path = args[1]
  prefix = args[2] .. " t" .. tostring(number or 0)
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  local body = string.format(
    '{"kind":"organization","name":"%s-%d Handels GmbH","roles":["customer","prospect"],' ..
    '"email":"buyer%d@wrk.example","phone":"+49 30 %07d","website":"https://wrk%d.example",' ..
    '"currency":"EUR","payment_terms_days":14,"customer_group":"wholesale",' ..
    '"addresses":[{"kind":"billing","line1":"Hauptstr. %d","city":"Berlin","postal_code":"10115","country":"DE"}],' ..
    '"tags":["wrk","bench"]}',
    prefix, n, n, n, n, n % 500 + 1)
  return wrk.format("POST", path, nil, body)
end
