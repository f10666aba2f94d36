import { Fragment } from 'react';
import { Linkified } from '../../linkify';
import { splitMentions } from '../../protocol/mentions';

/** Message text: links and highlighted mentions, as text nodes (never HTML). */
export function MessageText({ text, mentionNames }: { text: string; mentionNames: { name: string; me: boolean }[] }) {
  if (!mentionNames.length) return <Linkified text={text} />;
  return (
    <>
      {splitMentions(text, mentionNames).map((p, i) => p.kind === 'mention'
        ? <span key={i} className={'mention' + (p.me ? ' me' : '')}>{p.text}</span>
        : <Fragment key={i}><Linkified text={p.text} /></Fragment>)}
    </>
  );
}
