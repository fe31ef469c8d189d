// The floor for bench/size: Lit and @microsoft/signalr alone, none of rtc-kit. What any page that draws
// custom elements with Lit and talks to a SignalR hub pays before a line of its own code.
export { LitElement, html, css, nothing } from 'lit';
export { HubConnectionBuilder, HttpTransportType, LogLevel } from '@microsoft/signalr';
