import { Component, provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { CallComponent } from './app/call.component';

@Component({
  selector: 'app-root',
  imports: [CallComponent],
  template: `<app-call [channel]="channel" />`,
})
class App {
  readonly channel = new URLSearchParams(location.search).get('channel') ?? 'angular-sample';
}

bootstrapApplication(App, { providers: [provideZonelessChangeDetection()] }).catch((error) => console.error(error));
