import { describe, expect, it } from 'vitest';
import { translator } from '../../i18n';
import type { Message } from '../../protocol/types';
import { systemText } from './systemText';

const names: Record<number, string> = { 1: 'Me', 2: 'Alice', 3: 'Bob', 4: 'Carol' };
const nameOf = (id: number) => names[id];
const sys = (senderId: number, system: Message['system']): Message => ({ id: 1, conversationId: 1, seq: 1, senderId, kind: 'system', system, sentAt: 0 });

describe('systemText', () => {
  it('reads naturally in English, with "You" for oneself', () => {
    const t = translator('en');
    expect(systemText(sys(2, { event: 'members_added', userIds: [3, 4] }), 1, nameOf, t, 'en')).toBe('Alice added Bob and Carol');
    expect(systemText(sys(1, { event: 'members_added', userIds: [3] }), 1, nameOf, t, 'en')).toBe('You added Bob');
    expect(systemText(sys(2, { event: 'member_removed', userId: 1 }), 1, nameOf, t, 'en')).toBe('Alice removed you');
    expect(systemText(sys(2, { event: 'created', name: 'Trip', userIds: [1, 3] }), 1, nameOf, t, 'en')).toBe('Alice created the group “Trip”');
    expect(systemText(sys(3, { event: 'member_left', userId: 3 }), 1, nameOf, t, 'en')).toBe('Bob left the group');
    expect(systemText(sys(2, { event: 'role_changed', userId: 3, role: 'admin' }), 1, nameOf, t, 'en')).toBe('Alice made Bob an admin');
    expect(systemText(sys(2, { event: 'something_new' }), 1, nameOf, t, 'en')).toBe('Alice changed the group');
  });

  it('speaks Simplified and Traditional Chinese', () => {
    const cn = translator('zh-CN');
    const tw = translator('zh-TW');
    expect(systemText(sys(2, { event: 'members_added', userIds: [3, 4] }), 1, nameOf, cn, 'zh-CN')).toBe('Alice邀请Bob和Carol加入了群聊');
    expect(systemText(sys(2, { event: 'member_removed', userId: 3 }), 1, nameOf, tw, 'zh-TW')).toBe('Alice將Bob移出了群組');
    expect(systemText(sys(1, { event: 'renamed', name: '周末' }), 1, nameOf, cn, 'zh-CN')).toBe('你将群名改为“周末”');
  });
});
