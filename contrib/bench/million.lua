-- wrk: GET BENCH_QUERY (a path and query, URL-encoded) with {n} replaced
-- by a random credential number (1..BENCH_N), {u} by a random user
-- number, {x} by a random attribute value number, {t} by a credential
-- type number (00..19) and {d} by a digit 2..9, per request.
package.path = (os.getenv("BENCH_DIR") or ".") .. "/?.lua;" .. package.path
local c = require("common")

setup = c.setup

local query = os.getenv("BENCH_QUERY")
local users = math.max(1, math.floor(c.n / 20))

function init(args)
	c.init()
end

function request()
	local q = query:gsub("{n}", tostring(math.random(c.n)))
	q = q:gsub("{u}", tostring(math.random(users) - 1))
	q = q:gsub("{x}", tostring(math.random(5000) - 1))
	q = q:gsub("{t}", string.format("%02d", math.random(20) - 1))
	q = q:gsub("{d}", tostring(math.random(2, 9)))
	return wrk.format("GET", c.root .. q)
end
