import { render } from "preact";
import { App } from "./components/App";
import { start } from "./state";
import { toast } from "./toasts";
import { messageOf } from "./api";
import "./styles.css";

render(<App />, document.getElementById("app")!);
start().catch((err) => toast(messageOf(err)));
