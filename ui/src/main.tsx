import { render } from "preact";
import { App } from "./components/App";
import { start, toast } from "./state";
import { messageOf } from "./api";
import "./styles.css";

render(<App />, document.getElementById("app")!);
start().catch((err) => toast(messageOf(err)));
