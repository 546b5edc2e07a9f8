-- wrk: GET /Credential/{id} for random ids of the seeded set.
package.path = (os.getenv("BENCH_DIR") or ".") .. "/?.lua;" .. package.path
local c = require("common")
local ids

setup = c.setup

function init(args)
	c.init()
	ids = c.load_ids()
end

function request()
	return wrk.format("GET", c.base .. "/" .. ids[math.random(#ids)])
end
