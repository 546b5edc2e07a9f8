-- wrk: PATCH /Groups/{id} adding one member to the seeded Group of
-- BENCH_N members (Okta's shape: "add" with a path and a value list).
-- Each request adds the next not-yet-member User of the extra pool, so
-- every request changes the Group; threads take turns through the pool.
-- BENCH_QUERY (e.g. "?excludedAttributes=members") is appended to the
-- path: without it every answer carries the whole member list.
package.path = (os.getenv("BENCH_DIR") or ".") .. "/?.lua;" .. package.path
local c = require("common")
local extra, group, query, next_i, step

setup = c.setup

function init(args)
	c.init()
	extra = c.load_lines("BENCH_EXTRA")
	group = c.load_lines("BENCH_GROUP")[1]
	query = os.getenv("BENCH_QUERY") or ""
	next_i = rawget(_G, "thread_no") or 1
	step = tonumber(os.getenv("BENCH_THREADS") or "1")
	wrk.headers["Content-Type"] = "application/scim+json"
end

function request()
	local id = extra[(next_i - 1) % #extra + 1]
	next_i = next_i + step
	local body = '{"schemas":["' .. c.patch_urn .. '"],"Operations":[' ..
	    '{"op":"add","path":"members","value":[{"value":"' .. id ..
	    '"}]}]}'
	return wrk.format("PATCH", c.root .. "/Groups/" .. group .. query,
	    nil, body)
end
