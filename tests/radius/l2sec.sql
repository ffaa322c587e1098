-- What the gateways share in FreeRADIUS's database (docs/RADIUS.md), loaded after
-- FreeRADIUS's own schemas by tests/radius/mkdb.sh.
--
-- The pool "l2sec": 10.99.0.10 to 10.99.0.13, free since long ago (a lease is free
-- once its expiry_time is past). Route it to the gateways (each announces the
-- sessions it holds as /32s on their ppp interfaces; [radius]
-- framed-ip-outside-pool = yes when it is not the gateway's [ppp] pool).
WITH RECURSIVE n(i) AS (SELECT 10 UNION ALL SELECT i + 1 FROM n WHERE i < 13)
INSERT INTO radippool (id, pool_name, framedipaddress, expiry_time)
	SELECT i, 'l2sec', '10.99.0.' || i, '2000-01-01 00:00:00' FROM n;

-- The users, one user base for every gateway: PAP, CHAP and MS-CHAPv2 all need the
-- password in clear (or its NT-Password for MS-CHAPv2 alone).
INSERT INTO radcheck (username, attribute, op, value) VALUES
	('alice', 'Cleartext-Password', ':=', 'alice-pw'),
	('bob', 'Cleartext-Password', ':=', 'bob-pw'),
	('carol', 'Cleartext-Password', ':=', 'carol-pw'),
	('dave', 'Cleartext-Password', ':=', 'dave-pw');
