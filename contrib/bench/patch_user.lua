-- wrk: PATCH /Users/{id} on random seeded Users, replacing displayName
-- the way Entra ID sends it ("Replace" with a path).
package.path = (os.getenv("BENCH_DIR") or ".") .. "/?.lua;" .. package.path
local c = require("common")
local ids

setup = c.setup

function init(args)
	c.init()
	ids = c.load_lines("BENCH_USERS")
	wrk.headers["Content-Type"] = "application/scim+json"
end

function request()
	local body = '{"schemas":["' .. c.patch_urn .. '"],"Operations":[' ..
	    '{"op":"Replace","path":"displayName","value":"patched ' ..
	    math.random(1000000) .. '"}]}'
	return wrk.format("PATCH", c.root .. "/Users/" ..
	    ids[math.random(#ids)], nil, body)
end
