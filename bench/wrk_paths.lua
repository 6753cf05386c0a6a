-- wrk script of bench/harness.py: GET requests rotating through the paths of a file, one path a
-- line (ids of parties, or cursors of deep pages), each thread starting at its own offset.
--
--     wrk -s bench/wrk_paths.lua URL -- PATHS_FILE
--
-- Headers given with -H (the CRM's bearer token) are sent with every request.
local threads = 0
local paths = {}
local i = 0

function setup(thread)
  thread:set("number", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  assert(#paths > 0, "no paths in " .. args[1])
  i = ((number or 0) * 7919) % #paths
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
