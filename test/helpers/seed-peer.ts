// A peer that speaks the seed's protocol on its own, with no rtc-kit code: raw @microsoft/signalr and
// RTCPeerConnection, following the seed's two pages.
// - 'then' is the seed's first page (Index.razor.js): Offer / Answer / Candidate, received as
//   ReceiveOffer / ReceiveAnswer / ReceiveCandidate, and Join again before every send.
// - 'async' is the seed's second page (Rtc.razor with WebRtcService): SignalWebRtc(channel, type, payload).
import { HttpTransportType, HubConnectionBuilder, LogLevel, type HubConnection } from '@microsoft/signalr';

export class SeedPeer {
  readonly remoteVideo = document.createElement('video');
  private readonly hub: HubConnection;
  private pc: RTCPeerConnection | null = null;
  private localStream: MediaStream | null = null;
  /** Candidates that came before the remote description. */
  private early: RTCIceCandidateInit[] = [];

  constructor(
    private readonly page: 'then' | 'async',
    hubUrl: string,
    private readonly channel: string,
  ) {
    this.hub = new HubConnectionBuilder()
      .withUrl(hubUrl, { transport: HttpTransportType.WebSockets })
      .configureLogging(LogLevel.Warning)
      .build();
    this.remoteVideo.autoplay = true;
    this.remoteVideo.playsInline = true;
    this.remoteVideo.muted = true;
    document.body.append(this.remoteVideo);
    if (page === 'then') {
      this.hub.on('ReceiveOffer', (offer: string) => this.onOffer(JSON.parse(offer)));
      this.hub.on('ReceiveAnswer', (answer: string) => this.onAnswer(JSON.parse(answer)));
      this.hub.on('ReceiveCandidate', (candidate: string) => this.onCandidate(JSON.parse(candidate)));
    } else {
      this.hub.on('SignalWebRtc', (channel: string, type: string, payload: string) => {
        if (channel !== this.channel) return;
        if (type === 'offer') this.onOffer(JSON.parse(payload));
        else if (type === 'answer') this.onAnswer(JSON.parse(payload));
        else if (type === 'candidate') this.onCandidate(JSON.parse(payload));
      });
    }
  }

  /** The seed's Start: join the channel and open the camera. */
  async start(): Promise<void> {
    await this.hub.start();
    await this.hub.invoke('Join', this.channel);
    this.localStream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  }

  /** The seed's Call: create an offer, set it locally, send it; candidates go out as gathered. */
  async call(): Promise<void> {
    const pc = this.createPeerConnection();
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    await this.send('offer', JSON.stringify(pc.localDescription));
  }

  get connectionState(): RTCPeerConnectionState | 'none' {
    return this.pc?.connectionState ?? 'none';
  }

  async stop(): Promise<void> {
    this.pc?.close();
    this.localStream?.getTracks().forEach((t) => t.stop());
    this.remoteVideo.remove();
    await this.hub.stop();
  }

  private async onOffer(offer: RTCSessionDescriptionInit): Promise<void> {
    const pc = this.createPeerConnection();
    await pc.setRemoteDescription(offer);
    await this.addEarlyCandidates(pc);
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    await this.send('answer', JSON.stringify(pc.localDescription));
  }

  private async onAnswer(answer: RTCSessionDescriptionInit): Promise<void> {
    await this.pc!.setRemoteDescription(answer);
    await this.addEarlyCandidates(this.pc!);
  }

  private async onCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    if (this.pc?.remoteDescription) await this.pc.addIceCandidate(candidate);
    else this.early.push(candidate);
  }

  private async addEarlyCandidates(pc: RTCPeerConnection): Promise<void> {
    for (const candidate of this.early.splice(0)) await pc.addIceCandidate(candidate);
  }

  private createPeerConnection(): RTCPeerConnection {
    const pc = new RTCPeerConnection({ iceServers: [] });
    this.pc = pc;
    for (const track of this.localStream!.getTracks()) pc.addTrack(track, this.localStream!);
    pc.onicecandidate = (event) => {
      if (event.candidate) void this.send('candidate', JSON.stringify(event.candidate));
    };
    pc.ontrack = (event) => {
      this.remoteVideo.srcObject = event.streams[0] ?? new MediaStream([event.track]);
    };
    return pc;
  }

  private async send(type: 'offer' | 'answer' | 'candidate', payload: string): Promise<void> {
    if (this.page === 'async') {
      await this.hub.invoke('SignalWebRtc', this.channel, type, payload);
      return;
    }
    // The seed's first page calls Join before each send.
    await this.hub.invoke('Join', this.channel);
    const method = type === 'offer' ? 'Offer' : type === 'answer' ? 'Answer' : 'Candidate';
    await this.hub.invoke(method, this.channel, payload);
  }
}
