import type { AnchorHTMLAttributes } from 'react';
import { onLinkClick } from '../router.ts';

export function Link({ to, children, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return (
    <a href={to} onClick={(event) => onLinkClick(event, to)} {...rest}>
      {children}
    </a>
  );
}
