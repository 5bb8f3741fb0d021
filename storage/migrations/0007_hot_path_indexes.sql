-- Indexes for the hot paths measured by the benchmarks (docs/PERFORMANCE.md).

-- DM state and the DM channel are per person, not per group: dm_channel, set_dm_channel,
-- dms_closed, set_dm_state, take_dm_notice (after every command) and reopen_dms look members
-- up by user_id alone, which the (guild_id, user_id) primary key cannot serve.
CREATE INDEX members_by_user ON members (user_id);

-- A member's days and kinds (member_history, the recap's milestone histories) straight from
-- the index, without one table read per check-in: a member's rows are written a day apart and
-- lie scattered over the whole table.
CREATE INDEX checkins_member_days ON checkins (guild_id, user_id, local_date, kind);

-- The recap's per-day totals by kind and the week's members, from the index alone. Same name,
-- same leading columns as before (guild_id, local_date), now covering kind and user_id.
DROP INDEX checkins_by_group_day;
CREATE INDEX checkins_by_group_day ON checkins (guild_id, local_date, kind, user_id);
