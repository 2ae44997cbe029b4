-- Glance-shaped image tables (see prisma/schema.prisma).
CREATE TABLE `images` (
    `id` VARCHAR(36) NOT NULL,
    `name` VARCHAR(255) NULL,
    `size` BIGINT NULL,
    `status` VARCHAR(30) NOT NULL,
    `created_at` DATETIME(0) NOT NULL,
    `updated_at` DATETIME(0) NULL,
    `deleted_at` DATETIME(0) NULL,
    `deleted` BOOLEAN NOT NULL DEFAULT false,
    `disk_format` VARCHAR(20) NULL,
    `container_format` VARCHAR(20) NULL,
    `checksum` VARCHAR(32) NULL,
    `owner` VARCHAR(255) NULL,
    `min_disk` INTEGER NOT NULL DEFAULT 0,
    `min_ram` INTEGER NOT NULL DEFAULT 0,
    `protected` BOOLEAN NOT NULL DEFAULT false,
    `virtual_size` BIGINT NULL,
    `visibility` ENUM('private', 'public', 'shared', 'community') NOT NULL DEFAULT 'shared',
    `os_hidden` BOOLEAN NOT NULL DEFAULT false,
    `os_hash_algo` VARCHAR(64) NULL,
    `os_hash_value` VARCHAR(128) NULL,

    INDEX `checksum_image_idx`(`checksum`),
    INDEX `visibility_image_idx`(`visibility`),
    INDEX `owner_image_idx`(`owner`),
    INDEX `status_image_idx`(`status`),
    INDEX `name_image_idx`(`name`),
    INDEX `os_hidden_image_idx`(`os_hidden`),
    INDEX `os_hash_value_image_idx`(`os_hash_value`),
    INDEX `updated_at_image_idx`(`updated_at`),
    INDEX `deleted_created_at_id_image_idx`(`deleted`, `created_at`, `id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `image_properties` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `image_id` VARCHAR(36) NOT NULL,
    `name` VARCHAR(255) NOT NULL,
    `value` TEXT NULL,
    `created_at` DATETIME(0) NOT NULL,
    `updated_at` DATETIME(0) NULL,
    `deleted_at` DATETIME(0) NULL,
    `deleted` BOOLEAN NOT NULL DEFAULT false,

    INDEX `ix_image_properties_name`(`name`),
    UNIQUE INDEX `ix_image_properties_image_id_name`(`image_id`, `name`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `image_locations` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `image_id` VARCHAR(36) NOT NULL,
    `value` TEXT NOT NULL,
    `created_at` DATETIME(0) NOT NULL,
    `updated_at` DATETIME(0) NULL,
    `deleted_at` DATETIME(0) NULL,
    `deleted` BOOLEAN NOT NULL DEFAULT false,
    `meta_data` TEXT NULL,
    `status` VARCHAR(30) NOT NULL DEFAULT 'active',

    INDEX `ix_image_locations_image_id`(`image_id`),
    INDEX `ix_image_locations_deleted`(`deleted`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `image_tags` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `image_id` VARCHAR(36) NOT NULL,
    `value` VARCHAR(255) NOT NULL,
    `created_at` DATETIME(0) NOT NULL,
    `updated_at` DATETIME(0) NULL,
    `deleted_at` DATETIME(0) NULL,
    `deleted` BOOLEAN NOT NULL DEFAULT false,

    INDEX `ix_image_tags_image_id_tag_value`(`image_id`, `value`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `image_members` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `image_id` VARCHAR(36) NOT NULL,
    `member` VARCHAR(255) NOT NULL,
    `can_share` BOOLEAN NOT NULL DEFAULT false,
    `created_at` DATETIME(0) NOT NULL,
    `updated_at` DATETIME(0) NULL,
    `deleted_at` DATETIME(0) NULL,
    `deleted` BOOLEAN NOT NULL DEFAULT false,
    `status` VARCHAR(20) NOT NULL DEFAULT 'pending',

    INDEX `ix_image_members_member`(`member`),
    UNIQUE INDEX `image_members_image_id_member_deleted_at_key`(`image_id`, `member`, `deleted_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `image_events` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `image_id` VARCHAR(36) NOT NULL,
    `action` VARCHAR(40) NOT NULL,
    `from_status` VARCHAR(30) NULL,
    `to_status` VARCHAR(30) NULL,
    `reason` TEXT NULL,
    `request_id` VARCHAR(64) NULL,
    `user_id` VARCHAR(255) NULL,
    `project_id` VARCHAR(255) NULL,
    `created_at` DATETIME(3) NOT NULL,

    INDEX `ix_image_events_image_id_created_at`(`image_id`, `created_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

ALTER TABLE `image_properties` ADD CONSTRAINT `image_properties_image_id_fkey` FOREIGN KEY (`image_id`) REFERENCES `images`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `image_locations` ADD CONSTRAINT `image_locations_image_id_fkey` FOREIGN KEY (`image_id`) REFERENCES `images`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `image_tags` ADD CONSTRAINT `image_tags_image_id_fkey` FOREIGN KEY (`image_id`) REFERENCES `images`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `image_members` ADD CONSTRAINT `image_members_image_id_fkey` FOREIGN KEY (`image_id`) REFERENCES `images`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `image_events` ADD CONSTRAINT `image_events_image_id_fkey` FOREIGN KEY (`image_id`) REFERENCES `images`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
