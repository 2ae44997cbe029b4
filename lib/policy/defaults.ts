// Glance 25.1's default policies (glance/policies/*.py) with the secure-RBAC
// personas in force ([oslo_policy] enforce_new_defaults, enforce_scope, and
// [DEFAULT] enforce_secure_rbac): `reader` reads, `member` of the owning
// project writes, `admin` administers. Same names and check strings, so an
// operator's Glance policy.yaml means the same here.

const PROJECT_MEMBER = 'role:member and project_id:%(project_id)s';
const PROJECT_READER = 'role:reader and project_id:%(project_id)s';
const IMAGE_MEMBER_CHECK = 'project_id:%(member_id)s';
const COMMUNITY_VISIBILITY_CHECK = "'community':%(visibility)s";
const PUBLIC_VISIBILITY_CHECK = "'public':%(visibility)s";
const SHARED_VISIBILITY_CHECK = "'shared':%(visibility)s";
const ANY_VISIBLE = `(project_id:%(project_id)s or ${IMAGE_MEMBER_CHECK} or ${COMMUNITY_VISIBILITY_CHECK} or ${PUBLIC_VISIBILITY_CHECK} or ${SHARED_VISIBILITY_CHECK})`;

const ADMIN = 'role:admin';
const ADMIN_OR_PROJECT_MEMBER = `role:admin or (${PROJECT_MEMBER})`;
const ADMIN_OR_PROJECT_READER = `role:admin or (${PROJECT_READER})`;
const ADMIN_OR_PROJECT_READER_GET_IMAGE = `role:admin or (role:reader and ${ANY_VISIBLE})`;
const ADMIN_OR_PROJECT_MEMBER_DOWNLOAD_IMAGE = `role:admin or (role:member and ${ANY_VISIBLE})`;
const ADMIN_OR_PROJECT_MEMBER_CREATE_IMAGE = `role:admin or (${PROJECT_MEMBER} and project_id:%(owner)s)`;
const ADMIN_OR_SHARED_MEMBER = `role:admin or (role:member and ${IMAGE_MEMBER_CHECK})`;
const ADMIN_OR_PROJECT_READER_GET_NAMESPACE = `role:admin or (role:reader and (project_id:%(project_id)s or ${PUBLIC_VISIBILITY_CHECK}))`;
const ADMIN_OR_PROJECT_READER_OR_SHARED_MEMBER = `role:admin or role:reader and (project_id:%(project_id)s or ${IMAGE_MEMBER_CHECK})`;

/** Rule name → check string. */
export const DEFAULT_RULES: Readonly<Record<string, string>> = {
  default: '',
  context_is_admin: ADMIN,

  add_image: ADMIN_OR_PROJECT_MEMBER_CREATE_IMAGE,
  delete_image: ADMIN_OR_PROJECT_MEMBER,
  get_image: ADMIN_OR_PROJECT_READER_GET_IMAGE,
  get_images: ADMIN_OR_PROJECT_READER,
  modify_image: ADMIN_OR_PROJECT_MEMBER,
  publicize_image: ADMIN,
  communitize_image: ADMIN_OR_PROJECT_MEMBER,
  download_image: ADMIN_OR_PROJECT_MEMBER_DOWNLOAD_IMAGE,
  upload_image: ADMIN_OR_PROJECT_MEMBER,
  delete_image_location: ADMIN,
  get_image_location: ADMIN_OR_PROJECT_READER,
  set_image_location: ADMIN_OR_PROJECT_MEMBER,
  add_member: ADMIN_OR_PROJECT_MEMBER,
  delete_member: ADMIN_OR_PROJECT_MEMBER,
  get_member: ADMIN_OR_PROJECT_READER_OR_SHARED_MEMBER,
  get_members: ADMIN_OR_PROJECT_READER_OR_SHARED_MEMBER,
  modify_member: ADMIN_OR_SHARED_MEMBER,
  manage_image_cache: ADMIN,
  deactivate: ADMIN_OR_PROJECT_MEMBER,
  reactivate: ADMIN_OR_PROJECT_MEMBER,
  copy_image: ADMIN,

  get_task: 'rule:default',
  get_tasks: 'rule:default',
  add_task: 'rule:default',
  modify_task: 'rule:default',
  tasks_api_access: ADMIN,

  stores_info_detail: ADMIN,

  cache_image: ADMIN,
  cache_list: ADMIN,
  cache_delete: ADMIN,

  // glance/policies/metadef.py: reading by a project's readers (public namespaces by every reader), writing by admins.
  metadef_default: '',
  metadef_admin: ADMIN,
  get_metadef_namespace: ADMIN_OR_PROJECT_READER_GET_NAMESPACE,
  get_metadef_namespaces: ADMIN_OR_PROJECT_READER,
  modify_metadef_namespace: 'rule:metadef_admin',
  add_metadef_namespace: 'rule:metadef_admin',
  delete_metadef_namespace: 'rule:metadef_admin',
  get_metadef_object: ADMIN_OR_PROJECT_READER_GET_NAMESPACE,
  get_metadef_objects: ADMIN_OR_PROJECT_READER_GET_NAMESPACE,
  modify_metadef_object: 'rule:metadef_admin',
  add_metadef_object: 'rule:metadef_admin',
  delete_metadef_object: 'rule:metadef_admin',
  list_metadef_resource_types: ADMIN_OR_PROJECT_READER_GET_NAMESPACE,
  get_metadef_resource_type: ADMIN_OR_PROJECT_READER_GET_NAMESPACE,
  add_metadef_resource_type_association: 'rule:metadef_admin',
  remove_metadef_resource_type_association: 'rule:metadef_admin',
  get_metadef_property: ADMIN_OR_PROJECT_READER_GET_NAMESPACE,
  get_metadef_properties: ADMIN_OR_PROJECT_READER_GET_NAMESPACE,
  modify_metadef_property: 'rule:metadef_admin',
  add_metadef_property: 'rule:metadef_admin',
  remove_metadef_property: 'rule:metadef_admin',
  get_metadef_tag: ADMIN_OR_PROJECT_READER_GET_NAMESPACE,
  get_metadef_tags: ADMIN_OR_PROJECT_READER_GET_NAMESPACE,
  modify_metadef_tag: 'rule:metadef_admin',
  add_metadef_tag: 'rule:metadef_admin',
  add_metadef_tags: 'rule:metadef_admin',
  delete_metadef_tag: 'rule:metadef_admin',
  delete_metadef_tags: 'rule:metadef_admin',
};
