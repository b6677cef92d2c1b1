-- wrk's script for bench/run.py and bench/wagtail/run.sh: BENCH_PATHS names a file of paths,
-- one per line. Each thread walks them in order from its own offset, so a warm-up pass covers
-- them all.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("offset", threads)
end
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local n = nil
request = function()
  n = (n or offset * math.floor(#paths / 2)) + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
