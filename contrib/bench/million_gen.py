#!/usr/bin/env python3
# Writes the issue-3 benchmark data set as NDJSON for `scimcred import`:
# N/20 Users, 20 CredentialTypes, N Credentials (externalId bench-<i>,
# owner u-<i % users>, type CT_<i % 20>, status ACTIVE except every
# 97th PENDING, expiryDate spread over 2024-2029, attributes X and Y).
# Usage: million_gen.py N > data.ndjson   (seeded: the same N, same data)
import sys

n = int(sys.argv[1])
users = max(1, n // 20)
U = "urn:ietf:params:scim:schemas:core:2.0:User"
T = "urn:scimcred:params:scim:schemas:core:2.0:CredentialType"
C = "urn:hid:scim:api:idp:2.0:Credential"
w = sys.stdout.write
# import keeps ids and meta (created, lastModified, version)
M = ('"meta":{"created":"2024-01-01T00:00:00Z",'
     '"lastModified":"2024-01-%02dT00:00:00Z","version":"W/\\"1\\""}')
for i in range(users):
    w('{"schemas":["%s"],"id":"u-%d","userName":"user%d@bench.example",'
      '"name":{"familyName":"Fam%d"},%s}\n' % (U, i, i, i % 1000, M % 1))
for t in range(20):
    w('{"schemas":["%s"],"id":"CT_%02d","name":"CT_%02d","attributes":'
      '[{"name":"X"},{"name":"Y"}],%s}\n' % (T, t, t, M % 1))
for i in range(1, n + 1):
    day = (i * 7919) % 2190
    y, d = 2024 + day // 365, day % 365
    m, dd = 1 + d // 31 % 12, 1 + d % 28
    st = "PENDING" if i % 97 == 0 else "ACTIVE"
    w('{"schemas":["%s"],"id":"c-%d","externalId":"bench-%d","type":"CT_%02d",'
      '"owner":{"value":"u-%d"},"status":{"status":"%s",'
      '"expiryDate":"%04d-%02d-%02dT00:00:00Z"},"attributes":['
      '{"name":"X","value":"x%d"},{"name":"Y","value":"y%d"}],%s}\n'
      % (C, i, i, i % 20, i % users, st, y, m, dd, i % 5000, i % 7,
         M % (1 + i % 28)))
