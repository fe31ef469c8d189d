import { css } from 'lit';

/** The chat's layout: the list on top, the form below; every color and gap a custom property. */
export const styles = css`
:host{display:block;font:inherit}
:host([hidden]){display:none}
[part=base]{position:relative;display:flex;flex-direction:column;gap:var(--rtc-chat-gap,.5rem)}
[part=base][data-dragging] [part=messages]{outline:3px dashed var(--rtc-chat-accent,#2563eb);outline-offset:-3px}
[part=messages]{height:var(--rtc-chat-height,20rem);overflow-y:auto;padding:var(--rtc-chat-gap,.5rem);background:var(--rtc-chat-background,#f8fafc);color:#0f172a;border-radius:8px}
ol{margin:0;padding:0;list-style:none;display:flex;flex-direction:column;gap:var(--rtc-chat-gap,.5rem)}
[part=message],[part=file]{padding:.4rem .6rem;border-radius:6px;background:#fff;overflow-wrap:anywhere}
[part=message][data-own]{background:var(--rtc-chat-own-background,#dbeafe)}
[part=sender]{font-weight:600;margin-inline-end:.4rem}
[part=time]{font-size:.8em;color:#475569}
[part=text]{white-space:pre-wrap}
[part=link],[part=download]{color:#1d4ed8}
[part=progress]{vertical-align:middle;margin-inline:.4rem}
[part=file-error],[part=error]{color:var(--rtc-chat-error-color,#b91c1c)}
[part=error]{margin:0}
[part=error]:empty{display:none}
[part=form]{display:flex;flex-wrap:wrap;gap:var(--rtc-chat-gap,.5rem)}
[part=input]{flex:1 1 12rem;font:inherit;resize:vertical}
button{font:inherit;padding:.4rem .9rem;border:0;border-radius:6px;color:#fff;background:var(--rtc-chat-accent,#2563eb);cursor:pointer}
[part=cancel-button]{padding:.1rem .5rem}
button:focus-visible,textarea:focus-visible,a:focus-visible,[part=messages]:focus-visible{outline:3px solid var(--rtc-chat-accent,#2563eb);outline-offset:2px}
[part=drop-hint]{margin:0;font-weight:600}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
`;
