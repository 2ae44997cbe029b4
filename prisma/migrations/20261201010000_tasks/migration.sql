-- Glance's tasks and task_info tables (glance/db/sqlalchemy/models.py Task,
-- TaskInfo): every interoperable import runs as a task row.
CREATE TABLE `tasks` (
    `id` VARCHAR(36) NOT NULL,
    `type` VARCHAR(30) NOT NULL,
    `status` VARCHAR(30) NOT NULL,
    `owner` VARCHAR(255) NOT NULL,
    `expires_at` DATETIME(0) NULL,
    `image_id` VARCHAR(36) NULL,
    `request_id` VARCHAR(64) NULL,
    `user_id` VARCHAR(64) NULL,
    `created_at` DATETIME(0) NOT NULL,
    `updated_at` DATETIME(0) NULL,
    `deleted_at` DATETIME(0) NULL,
    `deleted` BOOLEAN NOT NULL DEFAULT false,

    INDEX `ix_tasks_type`(`type`),
    INDEX `ix_tasks_status`(`status`),
    INDEX `ix_tasks_owner`(`owner`),
    INDEX `ix_tasks_deleted`(`deleted`),
    INDEX `ix_tasks_image_id`(`image_id`),
    INDEX `ix_tasks_updated_at`(`updated_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `task_info` (
    `task_id` VARCHAR(36) NOT NULL,
    `input` TEXT NULL,
    `result` TEXT NULL,
    `message` TEXT NULL,

    PRIMARY KEY (`task_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

ALTER TABLE `task_info` ADD CONSTRAINT `task_info_task_id_fkey` FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
