-- Identity store (Keystone v3 subset): domains, projects, users, roles,
-- role assignments, and issued tokens (hashes only). See prisma/schema.prisma.
CREATE TABLE `identity_domains` (
    `id` VARCHAR(64) NOT NULL,
    `name` VARCHAR(64) NOT NULL,
    `description` TEXT NULL,
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `created_at` DATETIME(0) NOT NULL,

    UNIQUE INDEX `ix_identity_domains_name`(`name`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `identity_projects` (
    `id` VARCHAR(64) NOT NULL,
    `name` VARCHAR(64) NOT NULL,
    `domain_id` VARCHAR(64) NOT NULL,
    `description` TEXT NULL,
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `created_at` DATETIME(0) NOT NULL,

    UNIQUE INDEX `ix_identity_projects_domain_id_name`(`domain_id`, `name`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `identity_users` (
    `id` VARCHAR(64) NOT NULL,
    `name` VARCHAR(255) NOT NULL,
    `domain_id` VARCHAR(64) NOT NULL,
    `password_hash` VARCHAR(255) NULL,
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `default_project_id` VARCHAR(64) NULL,
    `email` VARCHAR(255) NULL,
    `description` TEXT NULL,
    `failed_auth_count` INTEGER NOT NULL DEFAULT 0,
    `failed_auth_at` DATETIME(3) NULL,
    `created_at` DATETIME(0) NOT NULL,

    UNIQUE INDEX `ix_identity_users_domain_id_name`(`domain_id`, `name`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `identity_roles` (
    `id` VARCHAR(64) NOT NULL,
    `name` VARCHAR(255) NOT NULL,
    `created_at` DATETIME(0) NOT NULL,

    UNIQUE INDEX `ix_identity_roles_name`(`name`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `identity_role_assignments` (
    `user_id` VARCHAR(64) NOT NULL,
    `project_id` VARCHAR(64) NOT NULL,
    `role_id` VARCHAR(64) NOT NULL,

    INDEX `ix_identity_role_assignments_project_id`(`project_id`),
    INDEX `ix_identity_role_assignments_role_id`(`role_id`),
    PRIMARY KEY (`user_id`, `project_id`, `role_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `identity_tokens` (
    `token_hash` CHAR(64) NOT NULL,
    `user_id` VARCHAR(64) NOT NULL,
    `project_id` VARCHAR(64) NULL,
    `methods` VARCHAR(255) NOT NULL,
    `audit_id` VARCHAR(32) NOT NULL,
    `parent_audit_id` VARCHAR(32) NULL,
    `issued_at` DATETIME(3) NOT NULL,
    `expires_at` DATETIME(3) NOT NULL,
    `revoked_at` DATETIME(3) NULL,

    INDEX `ix_identity_tokens_user_id`(`user_id`),
    INDEX `ix_identity_tokens_project_id`(`project_id`),
    INDEX `ix_identity_tokens_expires_at`(`expires_at`),
    PRIMARY KEY (`token_hash`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `console_sessions` (
    `id` CHAR(64) NOT NULL,
    `token_hash` CHAR(64) NULL,
    `remote_token` TEXT NULL,
    `user_name` VARCHAR(255) NOT NULL,
    `project_name` VARCHAR(64) NULL,
    `created_at` DATETIME(3) NOT NULL,
    `expires_at` DATETIME(3) NOT NULL,

    INDEX `ix_console_sessions_expires_at`(`expires_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

ALTER TABLE `identity_projects` ADD CONSTRAINT `identity_projects_domain_id_fkey` FOREIGN KEY (`domain_id`) REFERENCES `identity_domains`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `identity_users` ADD CONSTRAINT `identity_users_domain_id_fkey` FOREIGN KEY (`domain_id`) REFERENCES `identity_domains`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `identity_role_assignments` ADD CONSTRAINT `identity_role_assignments_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `identity_users`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `identity_role_assignments` ADD CONSTRAINT `identity_role_assignments_project_id_fkey` FOREIGN KEY (`project_id`) REFERENCES `identity_projects`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `identity_role_assignments` ADD CONSTRAINT `identity_role_assignments_role_id_fkey` FOREIGN KEY (`role_id`) REFERENCES `identity_roles`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `identity_tokens` ADD CONSTRAINT `identity_tokens_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `identity_users`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `identity_tokens` ADD CONSTRAINT `identity_tokens_project_id_fkey` FOREIGN KEY (`project_id`) REFERENCES `identity_projects`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
