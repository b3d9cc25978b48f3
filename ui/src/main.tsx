import { render } from "preact";
import { App } from "./components/App";
import { start } from "./state";
import { toast } from "./toasts";
import { messageOf, onFilesDropped } from "./api";
import { filesDropped } from "./actions";
import { droppedOnWindow } from "./references";
import "./styles.css";

render(<App />, document.getElementById("app")!);
start().catch((err) => toast(messageOf(err)));
onFilesDropped((paths, at) => filesDropped(paths, document.elementFromPoint(at.x, at.y))).catch(
  (err) => toast(messageOf(err)),
);
// Pictures dragged from the library onto the prompt box go with the prompt.
onFilesDropped((paths, at) => droppedOnWindow(paths, document.elementFromPoint(at.x, at.y))).catch(
  (err) => toast(messageOf(err)),
);
