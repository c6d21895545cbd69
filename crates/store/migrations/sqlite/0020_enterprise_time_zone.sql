-- Each enterprise's time zone (IANA name): where its day ends for callbacks (expired after
-- midnight), agents' and groups' figures for today, and dates written in exports.
ALTER TABLE enterprises ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Asia/Shanghai';
