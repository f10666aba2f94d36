/** Wire types of the Parley protocol (REST /api/v1 and WebSocket frames). */
export interface UserSummary { id: number; username: string; displayName: string }
export interface Tokens { accessToken: string; expiresIn: number; sessionId: number; user: UserSummary }
export interface Message { id: number; conversationId: number; seq: number; senderId: number; clientMsgId?: string | null; text: string; sentAt: number }
export interface ConversationSummary { id: number; kind: string; peer: UserSummary; lastSeq: number; readSeq: number; unread: number; lastActivityAt: number }
export interface ConversationEntry { conversation: ConversationSummary; lastMessage?: Message | null }
export interface HistoryPage { conversationId: number; messages: Message[]; hasMore: boolean; lastSeq: number }
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

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(message); }
}
