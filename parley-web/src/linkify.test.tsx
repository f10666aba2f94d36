import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/react';
import { Linkified, safeHref, splitLinks } from './linkify';

describe('links', () => {
  it('links only http and https', () => {
    expect(safeHref('https://example.com/a?b=1')).toBe('https://example.com/a?b=1');
    expect(safeHref('http://example.com')).toBe('http://example.com/');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,<script>alert(1)</script>')).toBeNull();
    expect(splitLinks('javascript:alert(1) and ftp://x.y').every(p => p.kind === 'text')).toBe(true);
  });

  it('keeps trailing punctuation out of the link', () => {
    expect(splitLinks('see https://example.com/x.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/x', href: 'https://example.com/x' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('renders HTML as literal text and links with noopener noreferrer', () => {
    const evil = '<img src=x onerror=alert(1)> <script>alert(2)</script> https://example.com/"onmouseover="x';
    const { container } = render(<p><Linkified text={evil} /></p>);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.textContent).toBe(evil);
    const a = container.querySelectorAll('a');
    expect(a).toHaveLength(1);
    expect(a[0].getAttribute('href')).toBe('https://example.com/');
    expect(a[0].getAttribute('rel')).toBe('noopener noreferrer');
    expect(a[0].getAttribute('target')).toBe('_blank');
    expect(a[0].getAttributeNames().filter(n => n.startsWith('on'))).toEqual([]);
  });
});
