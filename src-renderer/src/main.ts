import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { app } from './lib/state/app.svelte.js';
import { applyTheme, theme } from './lib/state/theme.svelte.js';

// The stored theme first, so the first paint has it (app.css: data-theme on <html>).
applyTheme(theme.choice);

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');
mount(App, { target });
void app.start();
