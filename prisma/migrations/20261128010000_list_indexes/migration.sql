-- Indexes for GET /v2/images filters (see lib/images/listing/filters.ts):
-- `tag=` looks tags up by value, custom-property filters by name and value,
-- the member list of shared images by member and status.
CREATE INDEX `ix_image_tags_value_deleted` ON `image_tags`(`value`, `deleted`);
CREATE INDEX `ix_image_properties_name_value` ON `image_properties`(`name`, `value`(191));
CREATE INDEX `ix_image_members_member_status_deleted` ON `image_members`(`member`, `status`, `deleted`);
-- Sorting by name walks this in order and stops at the limit instead of
-- sorting every live row (EXPLAIN: filesort over ~5,000 rows before).
CREATE INDEX `deleted_name_created_at_id_image_idx` ON `images`(`deleted`, `name`, `created_at`, `id`);
