-- Several API nodes on one database (see prisma/schema.prisma and lib/nodes/):
-- each running server process's heartbeat, which node serves each upload in
-- progress, and secrets every node must share (the console's session key).
CREATE TABLE `service_nodes` (
    `id` CHAR(36) NOT NULL,
    `name` VARCHAR(255) NOT NULL,
    `url` VARCHAR(255) NULL,
    `host` VARCHAR(255) NULL,
    `pid` INTEGER NOT NULL,
    `interval_ms` INTEGER NOT NULL,
    `started_at` DATETIME(3) NOT NULL,
    `heartbeat_at` DATETIME(3) NOT NULL,

    INDEX `ix_service_nodes_name`(`name`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `image_uploads` (
    `image_id` VARCHAR(36) NOT NULL,
    `node_id` CHAR(36) NOT NULL,
    `created_at` DATETIME(3) NOT NULL,

    INDEX `ix_image_uploads_node_id`(`node_id`),
    PRIMARY KEY (`image_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `service_secrets` (
    `name` VARCHAR(64) NOT NULL,
    `value` VARCHAR(255) NOT NULL,
    `created_at` DATETIME(3) NOT NULL,

    PRIMARY KEY (`name`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
