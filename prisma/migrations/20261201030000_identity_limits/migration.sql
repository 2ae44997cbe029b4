-- Keystone's unified limits (/v3/registered_limits, /v3/limits): the
-- per-project image limits Glance enforces with use_keystone_limits.
CREATE TABLE `identity_registered_limits` (
    `id` VARCHAR(64) NOT NULL,
    `service_id` VARCHAR(255) NOT NULL,
    `region_id` VARCHAR(255) NULL,
    `resource_name` VARCHAR(255) NOT NULL,
    `default_limit` INTEGER NOT NULL,
    `description` TEXT NULL,
    `created_at` DATETIME(0) NOT NULL,

    INDEX `ix_identity_registered_limits_service_resource`(`service_id`, `resource_name`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `identity_limits` (
    `id` VARCHAR(64) NOT NULL,
    `registered_limit_id` VARCHAR(64) NOT NULL,
    `project_id` VARCHAR(64) NOT NULL,
    `resource_limit` INTEGER NOT NULL,
    `description` TEXT NULL,
    `created_at` DATETIME(0) NOT NULL,

    UNIQUE INDEX `ix_identity_limits_registered_project`(`registered_limit_id`, `project_id`),
    INDEX `ix_identity_limits_project_id`(`project_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

ALTER TABLE `identity_limits` ADD CONSTRAINT `identity_limits_registered_limit_id_fkey` FOREIGN KEY (`registered_limit_id`) REFERENCES `identity_registered_limits`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `identity_limits` ADD CONSTRAINT `identity_limits_project_id_fkey` FOREIGN KEY (`project_id`) REFERENCES `identity_projects`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
