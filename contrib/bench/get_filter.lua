-- wrk: GET /Credential?filter=externalId eq "bench-N" for random seeded N
-- (an indexed equality search returning one resource).
package.path = (os.getenv("BENCH_DIR") or ".") .. "/?.lua;" .. package.path
local c = require("common")

setup = c.setup

function init(args)
	c.init()
end

function request()
	local n = math.random(c.n)
	return wrk.format("GET",
	    c.base .. "?filter=externalId%20eq%20%22bench-" .. n .. "%22")
end
