import type { Api } from './api';
import type {
  BanPage, BanView, ConversationSettings, GroupView, HistoryPage, InvitePreview, InviteView, MemberPage, NewInvite, MemberView, PresenceView, Readers, Role,
} from './types';

/** REST calls of groups, per-conversation settings, receipts and presence (protocol.md §12 and §13). */
export const groupsApi = {
  create: (api: Api, name: string, memberIds: number[]) => api.request<GroupView>('POST', '/groups', { name, memberIds }),
  get: (api: Api, id: number) => api.request<GroupView>('GET', `/groups/${id}`),
  members: (api: Api, id: number, after?: string | number) =>
    api.request<MemberPage>('GET', `/groups/${id}/members?limit=1000${after !== undefined ? `&after=${encodeURIComponent(String(after))}` : ''}`),
  update: (api: Api, id: number, patch: { name?: string; announcement?: string; allMuted?: boolean }) =>
    api.request<GroupView>('PATCH', `/groups/${id}`, patch),
  addMembers: (api: Api, id: number, userIds: number[]) => api.request<GroupView>('POST', `/groups/${id}/members`, { userIds }),
  removeMember: (api: Api, id: number, userId: number) => api.request<void>('DELETE', `/groups/${id}/members/${userId}`),
  ban: (api: Api, id: number, userId: number) => api.request<BanView>('PUT', `/groups/${id}/bans/${userId}`),
  liftBan: (api: Api, id: number, userId: number) => api.request<void>('DELETE', `/groups/${id}/bans/${userId}`),
  bans: (api: Api, id: number, after?: number) =>
    api.request<BanPage>('GET', `/groups/${id}/bans?limit=1000${after !== undefined ? `&after=${after}` : ''}`),
  leave: (api: Api, id: number) => api.request<void>('POST', `/groups/${id}/leave`),
  setRole: (api: Api, id: number, userId: number, role: Exclude<Role, 'owner'>) =>
    api.request<MemberView>('PUT', `/groups/${id}/members/${userId}/role`, { role }),
  transfer: (api: Api, id: number, userId: number) => api.request<GroupView>('POST', `/groups/${id}/transfer`, { userId }),
  mute: (api: Api, id: number, userId: number, minutes: number) =>
    api.request<MemberView>('PUT', `/groups/${id}/members/${userId}/mute`, { minutes }),
  unmute: (api: Api, id: number, userId: number) => api.request<MemberView>('DELETE', `/groups/${id}/members/${userId}/mute`),
  dissolve: (api: Api, id: number) => api.request<void>('DELETE', `/groups/${id}`),
  /** Only the limits given are sent: none means a link that lasts until revoked and admits anyone. */
  createInvite: (api: Api, id: number, limits: NewInvite = {}) => {
    const body: NewInvite = {};
    if (limits.expiresInHours) body.expiresInHours = limits.expiresInHours;
    if (limits.maxUses) body.maxUses = limits.maxUses;
    return api.request<InviteView>('POST', `/groups/${id}/invites`, body);
  },
  invites: (api: Api, id: number) => api.request<InviteView[]>('GET', `/groups/${id}/invites`),
  revokeInvite: (api: Api, id: number, code: string) => api.request<void>('DELETE', `/groups/${id}/invites/${encodeURIComponent(code)}`),
  invite: (api: Api, code: string) => api.request<InvitePreview>('GET', `/invites/${encodeURIComponent(code)}`),
  join: (api: Api, code: string) => api.request<GroupView>('POST', `/invites/${encodeURIComponent(code)}/join`),
  settings: (api: Api, conversationId: number, patch: { pinned?: boolean; muted?: boolean; archived?: boolean }) =>
    api.request<ConversationSettings>('PATCH', `/conversations/${conversationId}/settings`, patch),
  clear: (api: Api, conversationId: number) => api.request<ConversationSettings>('POST', `/conversations/${conversationId}/clear`),
  readers: (api: Api, conversationId: number, messageId: number) =>
    api.request<Readers>('GET', `/conversations/${conversationId}/messages/${messageId}/readers`),
  around: (api: Api, conversationId: number, seq: number, limit = 50) =>
    api.request<HistoryPage>('GET', `/conversations/${conversationId}/messages?around=${seq}&limit=${limit}`),
  presence: (api: Api, userIds: number[]) =>
    api.request<PresenceView[]>('GET', `/presence?userIds=${userIds.join(',')}`),
  presenceVisibility: (api: Api, presenceVisibility: 'friends' | 'nobody') =>
    api.request<unknown>('PATCH', '/me', { presenceVisibility }),
};
