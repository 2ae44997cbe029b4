-- Endpoints registered through Keystone's POST /v3/endpoints (another region's
-- image service for glance-download); this server's own ones are derived.
CREATE TABLE `identity_endpoints` (
    `id` VARCHAR(64) NOT NULL,
    `service_type` VARCHAR(255) NOT NULL,
    `interface` VARCHAR(8) NOT NULL,
    `region_id` VARCHAR(255) NOT NULL,
    `url` TEXT NOT NULL,
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `created_at` DATETIME(0) NOT NULL,

    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
