/** Wire types of the Parley protocol (REST /api/v1 and WebSocket frames). */
import type { MediaView } from '../media/types';
export interface UserSummary { id: number; username: string; displayName: string; presenceVisibility?: 'friends' | 'nobody' }
export interface Tokens { accessToken: string; expiresIn: number; sessionId: number; user: UserSummary }
/** Entry kinds: messages and system entries are shown; edit, recall and reaction change earlier messages. */
export type EntryKind = 'text' | 'media' | 'system' | 'edit' | 'recall' | 'reaction';
export interface ReplyRef { id: number; seq: number; senderId: number; kind: string; text?: string; recalled?: boolean }
export interface Reaction { emoji: string; userIds: number[] }
export interface SystemEvent {
  event: string; name?: string; userIds?: number[]; userId?: number; announcement?: string; role?: string; until?: number;
  /** On `member_removed`: the removal was a ban. */
  banned?: boolean;
}
/** An attachment view (protocol.md §15). */
export type Attachment = MediaView;
/**
 * One entry of a conversation's sequence (a message push or a history item). Messages show their current state
 * (edited text, recalled, reactions); edit/recall/reaction entries point at the message they change.
 */
export interface Message {
  id: number; conversationId: number; seq: number; senderId: number; clientMsgId?: string | null; text?: string; sentAt: number;
  kind?: EntryKind; replyTo?: ReplyRef; forwarded?: boolean; mentions?: number[]; mentionsAll?: boolean;
  attachments?: Attachment[]; editedAt?: number; recalled?: boolean; recalledBy?: number; reactions?: Reaction[];
  targetId?: number; targetSeq?: number; emoji?: string; removed?: boolean; system?: SystemEvent;
}
export type Role = 'owner' | 'admin' | 'member';
export interface GroupView {
  id: number; name: string; announcement?: string; ownerId: number; memberCount: number; allMuted: boolean; role: Role;
  mutedUntil?: number; createdAt: number;
}
export interface MemberView { user: UserSummary; role: Role; joinedAt: number; mutedUntil?: number }
export interface MemberPage { members: MemberView[]; next?: string | number }
/** An invite link: without `expiresAt` it lasts until revoked; without `maxUses` it admits anyone (`remainingUses` then absent). */
export interface InviteView {
  code: string; groupId: number; createdBy: number; createdAt: number; expiresAt?: number; maxUses?: number; uses: number; remainingUses?: number;
}
export interface NewInvite { expiresInHours?: number; maxUses?: number }
export interface BanView { user: UserSummary; bannedBy: number; bannedAt: number }
export interface BanPage { bans: BanView[]; next?: number }
export interface InvitePreview { code: string; group: { id: number; name: string; memberCount: number } }
export interface ConversationSettings { conversationId: number; pinned: boolean; muted: boolean; archived: boolean; clearedSeq: number }
export interface ConversationSummary {
  id: number; kind: string; peer?: UserSummary; lastSeq: number; readSeq: number; unread: number; lastActivityAt: number;
  group?: GroupView; pinned?: boolean; muted?: boolean; archived?: boolean; clearedSeq?: number; mentionCount?: number;
  left?: boolean; peerReadSeq?: number; peerDeliveredSeq?: number;
}
export interface ConversationEntry { conversation: ConversationSummary; lastMessage?: Message | null }
export interface HistoryPage {
  conversationId: number; messages: Message[]; hasMore: boolean; lastSeq: number; hasMoreBefore?: boolean; hasMoreAfter?: boolean;
}
export interface Readers { readCount: number; memberCount: number; readers?: UserSummary[] }
export type PresenceState = 'online' | 'away' | 'offline';
export interface PresenceView { userId: number; state: PresenceState; lastSeenAt?: number }
export interface SearchResult { message: Message; conversation: ConversationSummary; before: Message[]; after: Message[] }
export interface SearchPage { results: SearchResult[]; next?: string }
export interface AccountEvent { seq: number; kind: string; data: unknown; at: number }
export interface SyncResult { token: string; events: AccountEvent[]; conversations: ConversationSummary[]; hasMore: boolean; full: boolean }
export interface SendAck { clientMsgId: string; conversationId: number; messageId: number; seq: number; sentAt: number; duplicate: boolean }
export interface Hello { userId: number; sessionId: number; serverTime: number; heartbeatInterval: number; idleTimeout: number; maxFrameBytes: number }
export interface FriendRequest { id: number; from: UserSummary; to: UserSummary; note?: string | null; status: string; createdAt: number; updatedAt: number }
export interface Friend { user: UserSummary; since: number }
export interface SessionView { id: number; deviceName?: string | null; createdAt: number; lastSeenAt: number; current: boolean }
export interface UserPage { items: UserSummary[]; next?: string | null }

/** Any frame: a type plus fields. */
export interface Frame { type: string; id?: string | number; [k: string]: unknown }

/** How the server takes new accounts (GET /registration). */
export type RegistrationMode = 'open' | 'invite' | 'closed';

/** A registration token (invite) as its creator sees it; null maxUses or expiresAt: unlimited. */
export interface RegistrationToken {
  token: string; createdBy: number; createdAt: number; expiresAt?: number | null; maxUses?: number | null; uses: number; usable: boolean;
}

export class ApiError extends Error {
  /** retryAfter: seconds to wait before the same request may succeed (refusals by a limit), when the server said. */
  constructor(readonly status: number, readonly code: string, message: string, readonly retryAfter?: number) { super(message); }
}
