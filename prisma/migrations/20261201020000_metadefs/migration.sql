-- Glance's metadata definitions catalog (glance/db/sqlalchemy/models_metadef.py):
-- namespaces, resource types and their associations, objects, properties, tags.
CREATE TABLE `metadef_namespaces` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `namespace` VARCHAR(80) NOT NULL,
    `display_name` VARCHAR(80) NULL,
    `description` TEXT NULL,
    `visibility` VARCHAR(32) NULL,
    `protected` BOOLEAN NULL,
    `owner` VARCHAR(255) NOT NULL,
    `created_at` DATETIME(0) NOT NULL,
    `updated_at` DATETIME(0) NULL,

    UNIQUE INDEX `uq_metadef_namespaces_namespace`(`namespace`),
    INDEX `ix_metadef_namespaces_owner`(`owner`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `metadef_resource_types` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `name` VARCHAR(80) NOT NULL,
    `protected` BOOLEAN NOT NULL DEFAULT false,
    `created_at` DATETIME(0) NOT NULL,
    `updated_at` DATETIME(0) NULL,

    UNIQUE INDEX `uq_metadef_resource_types_name`(`name`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `metadef_namespace_resource_types` (
    `resource_type_id` INTEGER NOT NULL,
    `namespace_id` INTEGER NOT NULL,
    `properties_target` VARCHAR(80) NULL,
    `prefix` VARCHAR(80) NULL,
    `created_at` DATETIME(0) NOT NULL,
    `updated_at` DATETIME(0) NULL,

    INDEX `ix_metadef_ns_res_types_namespace_id`(`namespace_id`),
    PRIMARY KEY (`resource_type_id`, `namespace_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `metadef_objects` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `namespace_id` INTEGER NOT NULL,
    `name` VARCHAR(80) NOT NULL,
    `description` TEXT NULL,
    `required` TEXT NULL,
    `json_schema` TEXT NOT NULL,
    `created_at` DATETIME(0) NOT NULL,
    `updated_at` DATETIME(0) NULL,

    UNIQUE INDEX `uq_metadef_objects_namespace_id_name`(`namespace_id`, `name`),
    INDEX `ix_metadef_objects_name`(`name`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `metadef_properties` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `namespace_id` INTEGER NOT NULL,
    `name` VARCHAR(80) NOT NULL,
    `json_schema` TEXT NOT NULL,
    `created_at` DATETIME(0) NOT NULL,
    `updated_at` DATETIME(0) NULL,

    UNIQUE INDEX `uq_metadef_properties_namespace_id_name`(`namespace_id`, `name`),
    INDEX `ix_metadef_properties_name`(`name`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `metadef_tags` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `namespace_id` INTEGER NOT NULL,
    `name` VARCHAR(80) NOT NULL,
    `created_at` DATETIME(0) NOT NULL,
    `updated_at` DATETIME(0) NULL,

    UNIQUE INDEX `uq_metadef_tags_namespace_id_name`(`namespace_id`, `name`),
    INDEX `ix_metadef_tags_name`(`name`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

ALTER TABLE `metadef_namespace_resource_types` ADD CONSTRAINT `metadef_namespace_resource_types_resource_type_id_fkey` FOREIGN KEY (`resource_type_id`) REFERENCES `metadef_resource_types`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `metadef_namespace_resource_types` ADD CONSTRAINT `metadef_namespace_resource_types_namespace_id_fkey` FOREIGN KEY (`namespace_id`) REFERENCES `metadef_namespaces`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `metadef_objects` ADD CONSTRAINT `metadef_objects_namespace_id_fkey` FOREIGN KEY (`namespace_id`) REFERENCES `metadef_namespaces`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `metadef_properties` ADD CONSTRAINT `metadef_properties_namespace_id_fkey` FOREIGN KEY (`namespace_id`) REFERENCES `metadef_namespaces`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `metadef_tags` ADD CONSTRAINT `metadef_tags_namespace_id_fkey` FOREIGN KEY (`namespace_id`) REFERENCES `metadef_namespaces`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
