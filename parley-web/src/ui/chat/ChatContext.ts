import { createContext, useContext } from 'react';
import type { ChatClient } from '../../protocol/client';
import type { ConversationSummary, Message } from '../../protocol/types';

/** What the pieces of an open conversation share: the client, the conversation, and the actions on messages. */
export interface ChatCtx {
  client: ChatClient;
  summary: ConversationSummary | undefined;
  isGroup: boolean;
  /** Admins and the owner may recall anyone's message and mention @all. */
  canModerate: boolean;
  /** The conversation has ended for this user, or they cannot send now. */
  readOnly: boolean;
  reply(m: Message): void;
  edit(m: Message): void;
  forward(m: Message): void;
  jumpTo(seq: number): void;
  error(e: unknown): void;
}

export const ChatContext = createContext<ChatCtx | null>(null);
export function useChat(): ChatCtx {
  const c = useContext(ChatContext);
  if (!c) throw new Error('useChat outside a conversation');
  return c;
}
