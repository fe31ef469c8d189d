// #region call
import { Component, CUSTOM_ELEMENTS_SCHEMA, ElementRef, input, signal, viewChild, type OnDestroy } from '@angular/core';
import 'rtc-kit'; // defines <rtc-call>, <rtc-local-video> and <rtc-remote-video>
import type { CallState, RtcCall, RtcStateChangeEvent } from 'rtc-kit';

@Component({
  selector: 'app-call',
  // Lets Angular's compiler accept tags and properties it does not know: the rtc-* elements.
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <rtc-call
      #call
      [attr.hub-url]="hubUrl"
      [channel]="channel()"
      [iceServers]="iceServers"
      (rtc-state-change)="onStateChange($event)"
    >
      <rtc-local-video></rtc-local-video>
      <rtc-remote-video></rtc-remote-video>
    </rtc-call>
    <button id="start" (click)="start()">Start</button>
    <button id="call" (click)="dial()">Call</button>
    <button id="hangup" (click)="hangup()">Hang up</button>
    <output id="state">{{ state() }}</output>
  `,
})
export class CallComponent implements OnDestroy {
  readonly channel = input.required<string>();
  protected readonly hubUrl = '/messagehub';
  // No STUN or TURN: enough on one machine or one LAN. An array can only be a property, never an attribute.
  protected readonly iceServers: RTCIceServer[] = [];
  protected readonly state = signal<CallState>('idle');
  private readonly call = viewChild.required<ElementRef<RtcCall>>('call');

  protected onStateChange(event: RtcStateChangeEvent): void {
    this.state.set(event.detail.state);
  }

  // start() and call() also report a failure as rtc-error (and state "failed"), shown above.
  protected start(): void {
    this.call().nativeElement.start().catch(() => {});
  }

  protected dial(): void {
    this.call().nativeElement.call().catch(() => {});
  }

  protected hangup(): void {
    void this.call().nativeElement.hangup();
  }

  // The call lives on when the element goes: end it with the component.
  ngOnDestroy(): void {
    void this.call().nativeElement.hangup();
  }
}
// #endregion call
