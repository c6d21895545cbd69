// Named aliases over the generated OpenAPI types (src/api/schema.d.ts, from `npm run gen:api`).
import type { components } from './schema';

type S = components['schemas'];
export type Me = S['Me'];
export type User = S['User'];
export type UserCreate = S['UserCreate'];
export type UserUpdate = S['UserUpdate'];
export type UserCreated = S['UserCreated'];
export type Role = S['Role'];
export type RoleCreate = S['RoleCreate'];
export type RoleUpdate = S['RoleUpdate'];
export type SkillGroup = S['SkillGroup'];
export type SkillGroupCreate = S['SkillGroupCreate'];
export type MemberAssignment = S['MemberAssignment'];
export type CustomStatus = S['CustomStatus'];
export type CustomStatusCreate = S['CustomStatusCreate'];
export type Permission = S['Permission'];
export type DataScope = S['DataScope'];
export type ErrorBody = S['ErrorBody'];
export type Event = S['Event'];
export type Trunk = S['Trunk'];
export type TrunkInput = S['TrunkInput'];
export type TrunkStatus = S['TrunkStatus'];
export type EnterpriseNumber = S['EnterpriseNumber'];
export type NumberInput = S['NumberInput'];
export type SipAccount = S['SipAccount'];
